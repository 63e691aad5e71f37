"""What the learner knows: a status for every word met (new, learning, known, ignored), the event
log of every change, the placement test, and the one coverage engine (`knowledge.coverage`)."""
