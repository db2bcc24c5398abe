"""The weekly review: key metrics, anomalies with their drivers, and what waits for a decision."""
