"""PostHog-compatible capture: the product's own SDKs send events to the server of a workspace.

A request is decoded (:mod:`~needle.capture.decode`), its events checked and normalised
(:mod:`~needle.capture.events`), appended to the write-ahead log and fsynced
(:mod:`~needle.capture.wal`) before the SDK hears ``200``; the compactor
(:mod:`~needle.capture.compactor`) then moves the log into the event lake, deduplicated by uuid.
:mod:`~needle.capture.routes` is the HTTP face, :mod:`~needle.capture.service` ties the parts
together for one server.
"""
