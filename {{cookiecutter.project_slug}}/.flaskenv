# Read by the `flask` command (through python-dotenv): no --app flag needed.
FLASK_APP={{ cookiecutter.project_slug }}
