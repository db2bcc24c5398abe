"""The decision loop: problems, bets, proposals, decisions, goals, ship posts, teardowns."""
