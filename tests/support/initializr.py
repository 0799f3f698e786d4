"""What the initializr's tests share: answers as a query, one archive cache."""

from urllib.parse import urlencode


def as_query(answers):
    """Answers as a URL query, yes/no for booleans, as a link or curl gives them."""
    return urlencode(
        {
            k: ("yes" if v else "no") if isinstance(v, bool) else v
            for k, v in answers.items()
        }
    )


def shared_cache(tmp_path_factory):
    """One archive folder for every test process of the run (it locks per bake)."""
    return str(tmp_path_factory.getbasetemp().parent / "initializr-cache")
