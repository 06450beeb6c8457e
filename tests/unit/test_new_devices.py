"""New-device alerts (S52): a sign-in from a browser, system or network the
account has not used for 90 days is mailed, with a link that ends that
session and starts a password reset; read from the stored audit trail."""

from __future__ import annotations

import pytest

from application.mail.new_device import DisownSignIn
from application.sessions.login import LoginCommand
from application.sessions.tokens import TokenPair
from domain.devices import network_of
from domain.errors import InvalidCredentials, InvalidLinkToken
from domain.mail import MailKind
from domain.origin import Origin
from tests.support.core import PASSWORD, CoreUnderTest, make_core
from tests.support.fakes import link_in

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
CHROME_LINUX_NEWER = CHROME_LINUX.replace("131.0.0.0", "132.0.0.0")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
HOME, HOME_LATER, AWAY = "203.0.113.7", "203.0.113.200", "198.51.100.4"


@pytest.fixture
def c() -> CoreUnderTest:
    core = make_core()
    core.origin.current = Origin(ip=HOME, user_agent=CHROME_LINUX)
    core.register()
    return core


def sign_in(c: CoreUnderTest, user_agent: str | None, ip: str | None) -> TokenPair:
    c.origin.current = Origin(ip=ip, user_agent=user_agent)  # the request's, as the app sets it
    tokens = c.sessions.login(LoginCommand("ada@example.com", PASSWORD, user_agent, ip))
    assert isinstance(tokens, TokenPair)
    return tokens


def alerts(c: CoreUnderTest) -> list[str]:
    return [m.text for m in c.outbox() if m.kind is MailKind.NEW_DEVICE]


def test_the_device_that_registered_is_known_through_updates_and_its_network(
    c: CoreUnderTest,
) -> None:
    sign_in(c, CHROME_LINUX, HOME)
    sign_in(c, CHROME_LINUX_NEWER, HOME_LATER)  # a browser update, another address of the /24
    assert alerts(c) == []


def test_another_browser_and_network_is_mailed_once_with_a_link(c: CoreUnderTest) -> None:
    tokens = sign_in(c, FIREFOX_WINDOWS, AWAY)
    (mail,) = alerts(c)
    assert f"sign-in: Firefox on Windows from {AWAY}" in mail
    (event,) = [e for e in c.events.published if e.name == "new_device_sign_in"]
    assert getattr(event, "session_id", None) == c.caller(tokens).session_id
    assert (getattr(event, "device", None), getattr(event, "network", None)) == (
        "Firefox on Windows",
        "198.51.100.0/24",
    )
    sign_in(c, FIREFOX_WINDOWS, AWAY)  # known now
    assert len(alerts(c)) == 1


@pytest.mark.parametrize(("user_agent", "ip"), [(FIREFOX_WINDOWS, HOME), (CHROME_LINUX, AWAY)])
def test_a_new_browser_or_a_new_network_alone_is_a_new_device(
    c: CoreUnderTest, user_agent: str, ip: str
) -> None:
    sign_in(c, user_agent, ip)
    assert len(alerts(c)) == 1


def test_a_device_unseen_for_ninety_days_is_new_again(c: CoreUnderTest) -> None:
    sign_in(c, CHROME_LINUX, HOME)
    c.clock.advance(days=89)
    sign_in(c, CHROME_LINUX, HOME)
    assert alerts(c) == []
    c.clock.advance(days=91)
    sign_in(c, CHROME_LINUX, HOME)
    assert len(alerts(c)) == 1


def test_a_failed_login_does_not_make_a_device_known(c: CoreUnderTest) -> None:
    c.origin.current = Origin(ip=AWAY, user_agent=FIREFOX_WINDOWS)
    with pytest.raises(InvalidCredentials):
        c.sessions.login(LoginCommand("ada@example.com", "wrong password", FIREFOX_WINDOWS, AWAY))
    sign_in(c, FIREFOX_WINDOWS, AWAY)
    assert len(alerts(c)) == 1


def test_no_alert_without_a_device_to_tell_or_a_history_to_compare() -> None:
    c = make_core()
    c.register()  # no request around it: nothing known of its device
    sign_in(c, FIREFOX_WINDOWS, AWAY)  # the first sign-in on record
    sign_in(c, None, None)  # tells nothing
    assert alerts(c) == []
    sign_in(c, CHROME_LINUX, HOME)
    assert len(alerts(c)) == 1


def test_the_link_ends_that_session_and_starts_a_reset(c: CoreUnderTest) -> None:
    home = c.caller(sign_in(c, CHROME_LINUX, HOME)).session_id
    intruder = c.caller(sign_in(c, FIREFOX_WINDOWS, AWAY)).session_id
    token = link_in(alerts(c)[0])
    disown: DisownSignIn = c.mail.disown_sign_in
    shown = disown.sign_in_of(token)
    assert (shown.device, shown.ip) == ("Firefox on Windows", AWAY)
    reset_token = disown(token)
    assert c.db.sessions[intruder].revoked_at is not None
    assert c.db.sessions[home].revoked_at is None  # until the password is reset
    assert "sign_in_disowned" in [e.name for e in c.events.published]
    with pytest.raises(InvalidLinkToken):
        disown(token)
    with pytest.raises(InvalidLinkToken):
        disown.sign_in_of(token)
    c.mail.confirm_password_reset(reset_token, "a whole new passphrase")
    assert c.db.sessions[home].revoked_at is not None


def test_the_link_lives_seven_days(c: CoreUnderTest) -> None:
    sign_in(c, FIREFOX_WINDOWS, AWAY)
    token = link_in(alerts(c)[0])
    c.clock.advance(days=7, seconds=1)
    with pytest.raises(InvalidLinkToken):
        c.mail.disown_sign_in(token)


def test_networks_are_slash_24_and_slash_48() -> None:
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert network_of("not an address") == network_of(None) == ""
