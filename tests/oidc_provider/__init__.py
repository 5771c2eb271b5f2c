"""A real OpenID Connect provider (django-oauth-toolkit) that the sign-in tests run on loopback."""
