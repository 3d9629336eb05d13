"""policy-check: check humanitarian programme descriptions against the IFRC Policy on Migration (2009).

Layering (each module imports only from those below it):
    cli.py -> checker -> compiler -> engine (the only module that touches durable_rules)
                      -> rules, policy, documents -> textscan, yamlsrc -> model, errors
"""

__version__ = "0.1.0"
