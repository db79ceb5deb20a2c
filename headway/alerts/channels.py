"""Where alert messages go: one small registry of channel types, built-ins registered like plugins.

A channel turns a `Message` into one delivery and reports a `Delivery`: sent, failed, or
`gone` (the endpoint answered 404/410 and the channel must be disabled). Slack counts only
a 200 with body `ok` as sent; a 429 is retried after its `Retry-After`.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Protocol

import httpx

from headway.spec.alerts import Channel, ChannelType

MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is a failure for this run, retried on the next
RETRIES = 3


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    GONE = "gone"  # 404/410: disable the channel and tell its owner


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)  # the structured form, for JSON webhooks
    recipients: tuple[str, ...] = ()  # people to notify (emails), besides the channel's own


@dataclass(frozen=True)
class Delivery:
    channel: str
    outcome: Outcome
    detail: str = ""


@dataclass(frozen=True)
class Context:
    """What a channel needs from outside: the environment and a sleep it may be given in tests."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    sleep: Callable[[float], None] = time.sleep
    timeout: float = 10.0


class Sender(Protocol):
    def __call__(self, channel: Channel, message: Message, context: Context) -> Delivery: ...


def _url(channel: Channel, context: Context) -> str | None:
    return channel.url or (context.env.get(channel.url_env) if channel.url_env else None)


def _post(channel: Channel, body: dict[str, Any], context: Context, ok: Callable[[httpx.Response], bool]) -> Delivery:
    url = _url(channel, context)
    if not url:
        return Delivery(channel.name, Outcome.FAILED, f"no URL: set {channel.url_env or 'url'}")
    for _ in range(RETRIES):
        try:
            response = httpx.post(url, json=body, timeout=context.timeout)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return Delivery(channel.name, Outcome.FAILED, f"{type(error).__name__}: {error}")
        if response.status_code in (404, 410):
            return Delivery(channel.name, Outcome.GONE, f"HTTP {response.status_code}")
        if response.status_code == 429:
            wait = _retry_after(response.headers.get("retry-after"))
            if wait is None or wait > MAX_RETRY_AFTER:
                return Delivery(channel.name, Outcome.FAILED, f"HTTP 429, Retry-After {wait}")
            context.sleep(wait)
            continue
        if ok(response):
            return Delivery(channel.name, Outcome.SENT, f"HTTP {response.status_code}")
        return Delivery(channel.name, Outcome.FAILED, f"HTTP {response.status_code}: {response.text[:200]}")
    return Delivery(channel.name, Outcome.FAILED, f"still rate limited after {RETRIES} tries")


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except ValueError:  # an HTTP date: not worth waiting for inside one run
        return None


def send_webhook(channel: Channel, message: Message, context: Context) -> Delivery:
    body = {"subject": message.subject, "text": message.text, "notify": list(message.recipients), **message.data}
    return _post(channel, body, context, lambda r: 200 <= r.status_code < 300)


def send_slack(channel: Channel, message: Message, context: Context) -> Delivery:
    mentions = " ".join(f"<mailto:{r}|{r}>" for r in message.recipients)
    text = f"*{message.subject}*\n{message.text}" + (f"\n{mentions}" if mentions else "")
    return _post(channel, {"text": text}, context, lambda r: r.status_code == 200 and r.text.strip() == "ok")


def send_email(channel: Channel, message: Message, context: Context) -> Delivery:
    """SMTP with host, port, TLS mode and credentials from HEADWAY_SMTP_* environment variables."""
    env = context.env
    host, port = env.get("HEADWAY_SMTP_HOST", "localhost"), int(env.get("HEADWAY_SMTP_PORT", "25"))
    tls = env.get("HEADWAY_SMTP_TLS", "none").lower()  # none | starttls | ssl
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = env.get("HEADWAY_SMTP_FROM", "headway@localhost")
    mail["To"] = ", ".join(dict.fromkeys([*channel.to, *message.recipients]))
    mail.set_content(message.text)
    try:
        smtp_class = smtplib.SMTP_SSL if tls == "ssl" else smtplib.SMTP
        with smtp_class(host, port, timeout=context.timeout) as smtp:
            if tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if env.get("HEADWAY_SMTP_USER"):
                smtp.login(env["HEADWAY_SMTP_USER"], env.get("HEADWAY_SMTP_PASSWORD", ""))
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        return Delivery(channel.name, Outcome.FAILED, f"{type(error).__name__}: {error}")
    return Delivery(channel.name, Outcome.SENT, f"to {mail['To']}")


SENDERS: dict[str, Sender] = {
    ChannelType.WEBHOOK.value: send_webhook,
    ChannelType.SLACK.value: send_slack,
    ChannelType.EMAIL.value: send_email,
}


def register(kind: str, sender: Sender) -> None:
    """Add a channel type; built-ins are registered the same way."""
    SENDERS[kind] = sender


def send(channel: Channel, message: Message, context: Context) -> Delivery:
    return SENDERS[channel.type.value](channel, message, context)
