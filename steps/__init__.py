"""Step definitions: business words in, adapter calls out. No selector lives here."""
