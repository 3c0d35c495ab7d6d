"""The invitation link: signed, single-use, expiring (the same generator as the confirmation and reset links).

Its HMAC covers the password hash, `last_login` and `is_active` (bawaba.accounts.tokens): accepting sets a password,
activates the account and signs her in, so the link dies once used. Deactivating an invitee or sending her a new
invitation gives her account a new unusable password, so every link sent before dies too.
"""

import datetime as dt

from bawaba.accounts.tokens import AccountTokenGenerator, decode_uid, encode_uid

# Long enough for a new colleague to find the e-mail after a weekend; the administrator can send a new one.
INVITATION_LIFETIME = dt.timedelta(days=7)

invitation_tokens = AccountTokenGenerator(
    key_salt="bawaba.accounts.staff_invitation", lifetime=INVITATION_LIFETIME
)

__all__ = ["INVITATION_LIFETIME", "decode_uid", "encode_uid", "invitation_tokens"]
