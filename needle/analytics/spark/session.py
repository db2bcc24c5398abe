"""One Spark session per process, shared by every Spark engine (starting a JVM takes seconds).

``master`` is any Spark master URL: ``local[N]`` runs Spark inside this process's JVM, a
``spark://``, ``yarn`` or ``k8s://`` URL submits to a cluster, and ``sc://host:port`` talks to a
Spark Connect server. Python work (the funnel fold) runs in Python workers, which must be able to
import Needle: locally they use this interpreter.
"""

from __future__ import annotations

import os
import sys
import threading

from pyspark.sql import SparkSession

_LOCK = threading.Lock()
# Small data on few cores: Spark's default of 200 shuffle partitions is for clusters.
_LOCAL_CONFIG = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "4"}
_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # stdout belongs to --json
    "spark.sql.session.timeZone": "UTC",
    "spark.log.level": "ERROR",
    "spark.sql.adaptive.enabled": "true",
}


def session(master: str, driver_memory: str = "2g") -> SparkSession:
    """The process's session, started on first use with ``master``; later calls share it."""
    with _LOCK:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no hostname lookup warning
        if master.startswith("sc://"):
            return SparkSession.builder.remote(master).getOrCreate()
        builder = SparkSession.builder.master(master).appName("needle")
        config = {**_CONFIG, **(_LOCAL_CONFIG if master.startswith("local") else {})}
        config["spark.driver.memory"] = driver_memory
        for key, value in config.items():
            builder = builder.config(key, value)
        return builder.getOrCreate()
