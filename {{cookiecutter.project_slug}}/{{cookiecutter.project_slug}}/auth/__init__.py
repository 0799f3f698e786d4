"""The auth blueprint: register, log in, log out and the account page."""
