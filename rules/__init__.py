"""The rule packs and catalogues as data (installed as the package ``advisor_rules``).

Nothing here is code: this file only lets the folder ship inside the wheel and be found with
``importlib.resources``. See rules/README.md for how the packs are laid out and changed.
"""
