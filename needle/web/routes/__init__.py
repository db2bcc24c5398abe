"""The web app's routes, one module per area; each exposes ``router``."""

from needle.web.routes import events, home, query

ROUTERS = [home.router, events.router, query.router]
