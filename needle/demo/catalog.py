"""The demo product's vocabulary: event names, person properties and how a session moves.

Plain data; the generators turn it into arrays. Weights need not sum to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from needle.demo.truth import FUNNEL

LIFECYCLE = (*FUNNEL, "integration_connected", "$feature_flag_called")
USAGE = (
    "page_viewed", "board_viewed", "task_created", "task_completed", "task_assigned",
    "comment_added", "search", "search_result_clicked", "file_uploaded", "notification_clicked",
    "calendar_synced", "csv_exported", "pricing_page_viewed", "settings_changed",
    "mobile_app_opened", "$exception",
)
EVENTS = (*LIFECYCLE, *USAGE)
CODE = {name: code for code, name in enumerate(EVENTS)}

# Person-like properties, copied into every event's properties as PostHog SDKs do.
PLANS = {"free": 62, "team": 25, "business": 11, "enterprise": 2}
COMPANY_SIZES = {"1-10": 45, "11-50": 30, "51-200": 17, "201-1000": 6, "1000+": 2}
# country: (weight, UTC offset in hours of its business day)
COUNTRIES = {
    "US": (34, -5), "GB": (10, 0), "DE": (9, 1), "IN": (8, 5), "FR": (6, 1), "BR": (6, -3),
    "CA": (5, -5), "AU": (4, 10), "NL": (4, 1), "ES": (4, 1), "JP": (3, 9), "PL": (3, 1),
    "SE": (2, 1), "MX": (2, -6),
}
MOBILE_SHARE = 0.2
DESKTOP_OS = {"Windows": 48, "Mac OS X": 40, "Linux": 12}
DESKTOP_BROWSERS = {"Chrome": 64, "Edge": 11, "Safari": 14, "Firefox": 9, "Opera": 2}
MOBILE_OS = {"iOS": 55, "Android": 45}  # mobile users use the app: browser names the app build
MOBILE_BROWSER = {"iOS": "Tasklane iOS", "Android": "Tasklane Android"}
SIGNUP_SOURCES = {"organic": 40, "google_ads": 22, "invite": 20, "producthunt": 6, "partner": 12}

# Local time of day people work, hour 0..23.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 19, 18, 14, 16, 18, 17, 15, 11, 8, 6, 5, 4, 3, 2)

APP_URL = "https://app.tasklane.example"
PAGES = {
    "/": 14, "/inbox": 16, "/my-tasks": 22, "/projects": 12, "/projects/board": 18,
    "/calendar": 5, "/reports": 4, "/settings": 3, "/settings/billing": 2, "/pricing": 2,
    "/help": 2,
}
BOARD_VIEWS = {"kanban": 62, "list": 28, "timeline": 10}
EXCEPTIONS = {
    "TypeError: Cannot read properties of undefined (reading 'id')": 40,
    "NetworkError: request timed out": 35,
    "ChunkLoadError: Loading chunk 412 failed": 25,
}
APP_VERSIONS = {"4.12.0": 30, "4.12.1": 45, "4.13.0": 25}

# Where a session starts, by device.
START_DESKTOP = {"page_viewed": 55, "board_viewed": 25, "notification_clicked": 15, "search": 5}
START_MOBILE = {"mobile_app_opened": 1}

END = "<end>"
# Next event given the current one; END finishes the session.
TRANSITIONS: dict[str, dict[str, float]] = {
    "page_viewed": {"page_viewed": 30, "board_viewed": 18, "task_created": 10,
                    "task_completed": 8, "comment_added": 5, "search": 7,
                    "pricing_page_viewed": 1, "settings_changed": 1, "csv_exported": 1,
                    "calendar_synced": 1, "$exception": 0.4, END: 17},
    "board_viewed": {"task_completed": 22, "task_created": 16, "page_viewed": 20,
                     "board_viewed": 8, "task_assigned": 8, "comment_added": 6, "search": 3,
                     "file_uploaded": 2, "$exception": 0.3, END: 15},
    "task_created": {"task_assigned": 28, "task_created": 18, "page_viewed": 14,
                     "board_viewed": 12, "file_uploaded": 6, "comment_added": 4, END: 18},
    "task_completed": {"task_completed": 26, "board_viewed": 20, "page_viewed": 16,
                       "comment_added": 10, "task_created": 8, END: 20},
    "task_assigned": {"task_created": 20, "board_viewed": 24, "page_viewed": 20,
                      "comment_added": 12, END: 24},
    "comment_added": {"comment_added": 18, "page_viewed": 26, "board_viewed": 20,
                      "task_completed": 12, "file_uploaded": 4, END: 20},
    "search": {"search_result_clicked": 55, "search": 20, "page_viewed": 15, END: 10},
    "search_result_clicked": {"page_viewed": 30, "comment_added": 20, "task_completed": 20,
                              "board_viewed": 10, END: 20},
    "file_uploaded": {"comment_added": 30, "page_viewed": 30, "file_uploaded": 10, END: 30},
    "notification_clicked": {"page_viewed": 30, "comment_added": 25, "task_completed": 15,
                             "board_viewed": 10, "notification_clicked": 5, END: 15},
    "calendar_synced": {"page_viewed": 40, "board_viewed": 20, END: 40},
    "csv_exported": {"page_viewed": 40, "csv_exported": 10, END: 50},
    "pricing_page_viewed": {"page_viewed": 40, "settings_changed": 10, END: 50},
    "settings_changed": {"page_viewed": 40, "settings_changed": 20, END: 40},
    "mobile_app_opened": {"page_viewed": 35, "task_completed": 20, "comment_added": 15,
                          "notification_clicked": 15, "board_viewed": 10, END: 5},
    "$exception": {"page_viewed": 50, END: 50},
}


def probabilities(weights: Mapping[Any, float]) -> tuple[list[Any], np.ndarray]:
    """Names and normalised probabilities of a weight table."""
    names = list(weights)
    values = np.array([weights[n] for n in names], dtype=float)
    return names, values / values.sum()
