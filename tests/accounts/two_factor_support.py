"""Real authenticator-app codes for tests, made from a device's key as an app would make them."""

from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_from_key(key: bytes, *, steps_ahead: int = 0) -> str:
    """The six digits an app shows for this key now (or `steps_ahead` thirty-second steps later)."""
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    return code_from_key(device.bin_key, steps_ahead=device.drift + steps_ahead)


def code_from_manual_key(grouped_key: str, *, steps_ahead: int = 0) -> str:
    """The code for the key as the set-up page shows it, in groups of four."""
    return code_from_key(b32decode("".join(grouped_key.split())), steps_ahead=steps_ahead)


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that no step within the device's tolerance would show."""
    near = {code_for(device, steps_ahead=step) for step in range(-2, 3)}
    return next(
        candidate for candidate in ("000000", "111111", "222222", "333333", "444444", "555555") if candidate not in near
    )


def set_up_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def give_backup_codes(user, codes=("abcdefgh", "ijklmnop", "qrstuvwx")) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Backup codes")
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device
