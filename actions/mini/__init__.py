"""Actions of the Cuenta Mini journeys: the parent's code, the child's user and sign-in."""
