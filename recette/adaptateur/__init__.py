"""The vendor adapter: the only code of the bench that knows a screen."""
