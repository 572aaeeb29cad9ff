"""Feishu long-connection mode: events over lark-oapi's WebSocket client.

For a server that Feishu cannot reach (no public URL, campus intranet): the bot dials
out to Feishu and receives the same events over a WebSocket. The SDK authenticates the
connection and reconnects by itself; each event, turned back into the plain payload
Feishu would have posted, goes to `FeishuChannel.handle_event`, the same path as the
webhook, so parsing, de-duplication and answering are identical in both modes.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import lark_oapi as lark
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import (P2CardActionTrigger,
                                                                   P2CardActionTriggerResponse)

from ...answer_pool import AnswerPool
from ...context import BotContext
from ...delivery.late import late_answers_to
from ...dispatcher import Dispatcher
from ...handoff.desk import StaffDesk
from .events import BadEvent
from .webhook import FeishuChannel

log = logging.getLogger(__name__)


def _payload(data: Any) -> dict[str, Any]:
    """The SDK's typed event back as the schema-2.0 JSON it was parsed from."""
    return json.loads(lark.JSON.marshal(data))


def _handle(channel: FeishuChannel, data: Any) -> dict[str, Any]:
    try:
        return channel.handle_event(_payload(data))
    except BadEvent as exc:
        log.warning("ignored a Feishu event we cannot read: %s", exc)
        return {}


def event_handler(channel: FeishuChannel) -> lark.EventDispatcherHandler:
    """The SDK dispatcher routing messages and card button presses into `channel`.

    Credentials are empty: over the long connection Feishu authenticates the socket,
    and events arrive neither encrypted nor signed.
    """
    def on_message(data: P2ImMessageReceiveV1) -> None:
        _handle(channel, data)

    def on_card(data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        return P2CardActionTriggerResponse(_handle(channel, data))

    return (lark.EventDispatcherHandler.builder("", "")
            .register_p2_im_message_receive_v1(on_message)
            .register_p2_card_action_trigger(on_card)
            .build())


def client_options(ctx: BotContext) -> dict[str, Any]:
    """How the SDK's client is set up: our credentials and API base, reconnecting by itself."""
    config = ctx.config
    return {"app_id": config.secret("FEISHU_APP_ID") or "",
            "app_secret": config.secret("FEISHU_APP_SECRET") or "",
            "domain": config.api_bases["FEISHU_API_BASE"], "auto_reconnect": True}


def build_client(ctx: BotContext, channel: FeishuChannel) -> lark.ws.Client:
    return lark.ws.Client(event_handler=event_handler(channel), log_level=lark.LogLevel.INFO,
                          **client_options(ctx))


def connect(ctx: BotContext, workers: int = 16, desk: StaffDesk | None = None) -> None:
    """Receive events until the process is stopped; the SDK reconnects after drops."""
    executor = AnswerPool(max_workers=workers, thread_name_prefix="feishu-answer")
    channel = FeishuChannel(ctx, Dispatcher(ctx), executor, desk=desk,
                            on_failed_reply=late_answers_to(ctx, "feishu"))
    try:
        build_client(ctx, channel).start()
    finally:                     # acknowledged events are answered before Redis goes
        executor.drain()
