"""The web face: pages with JSON twins over the same library operations as the CLI.

``create_app(root)`` serves one workspace; ``needle serve`` runs it with uvicorn.
"""

from needle.web.app import create_app

__all__ = ["create_app"]
