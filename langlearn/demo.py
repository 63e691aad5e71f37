"""The demo accounts `make run` creates (vocab's `seed_demo`) and the landing page lists in development."""

DEMO_LEARNER = ("learner@example.com", "learn-demo-2026")
DEMO_EDITOR = ("editor@example.com", "edit-demo-2026")
