"""The web app's routes, one module per area; each exposes ``router``."""

from needle.web.routes import (
    artifact_forms,
    artifacts,
    capture,
    dashboards,
    events,
    evidence,
    experiments,
    flags,
    home,
    plan,
    portfolio,
    query,
    review,
    themes,
)

ROUTERS = [home.router, events.router, capture.router, query.router,
           dashboards.router, evidence.router, themes.router, flags.router]
ROUTERS += [artifacts.router, artifact_forms.router, experiments.router, plan.router,
            portfolio.router, review.router]
