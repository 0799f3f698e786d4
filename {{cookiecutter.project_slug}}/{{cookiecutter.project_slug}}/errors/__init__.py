"""Error pages: the site's own, in place of Werkzeug's bare ones."""
