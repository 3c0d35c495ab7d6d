"""Two-factor sign-in for staff (django-otp): an authenticator app's 6-digit codes (TOTP) and ten single-use
recovery codes (a static device). docs/decisions/0013-staff-two-factor-sign-in.md says why and how.

A staff member signs in with her password, then, before any staff page, types a code (`views.verify`), or enrols
her authenticator first when she has none (`views.setup`). The session is then verified: django-otp's
OTPMiddleware keeps the device's id in the session, and `accounts.permissions.second_factor_verified` asks it.
"""
