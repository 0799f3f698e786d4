"""The steps of scripts/lock.py, one module each; scripts/lock.py runs them in order.

- template.py: the template's side (answer sets, the pyproject's dependency guards);
- uv.py: running uv (the union's lock, a lock from the cache where it can);
- extras.py: the extras pip before 23.3 needs written on each pin;
- merge.py: many locks merged into one Jinja template with `{%- if %}` guards;
- test_environment.py: requirements/test.txt, the template's own test environment.
"""
