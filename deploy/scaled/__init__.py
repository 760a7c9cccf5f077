"""`make run-scaled`: the multi-instance topology on one machine (supervisord + HAProxy)."""
