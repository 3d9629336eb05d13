"""For rule authors: lint, rule tests and the cases' expectations (ruletest, expectations), coverage, the
handbook, explain, suggest, and the programme schema's documentation (schemadoc)."""
