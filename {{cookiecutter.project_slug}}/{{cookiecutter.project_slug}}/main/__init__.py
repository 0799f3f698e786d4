"""The main blueprint: the home page, the health checks and the example form."""
