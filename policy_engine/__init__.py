"""policy-check: check humanitarian programme descriptions against the IFRC Policy on Migration (2009).

Layering (each module imports only from those below it):
    cli -> checker -> compiler -> engine (the only module that touches durable_rules)
                      -> rules, policy, documents -> textscan, yamlsrc -> model, errors
rulecache stores and rebuilds what rules.load_rule_set builds; it is the one module imported upwards
(by load_rule_set, at call time).
"""

__version__ = "0.1.0"
