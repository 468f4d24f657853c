#!/usr/bin/env python3
"""A scripted model server for tests: Anthropic Messages and OpenAI Chat
Completions on 127.0.0.1, driven by a scenario JSON file. See README.md."""
import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_USAGE = {"input": 10, "output": 5, "cache_read": 0, "cache_write": 0}


def fill(value, subst):
    """Replaces {{name}} placeholders in every string of a JSON value."""
    if isinstance(value, str):
        for k, v in subst.items():
            value = value.replace("{{%s}}" % k, v)
        return value
    if isinstance(value, list):
        return [fill(v, subst) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, subst) for k, v in value.items()}
    return value


def usage_of(spec):
    u = dict(DEFAULT_USAGE)
    u.update(spec or {})
    return {k: int(u[k]) for k in DEFAULT_USAGE}


def chunks(text, n=3):
    """Splits text into up to n pieces, so clients see several deltas."""
    if not text:
        return []
    size = max(1, (len(text) + n - 1) // n)
    return [text[i:i + size] for i in range(0, len(text), size)]


class Script:
    """The scenario's state: which turn the loop is on, which errors remain."""

    def __init__(self, scenario, log_path):
        self.lock = threading.Lock()
        self.turns = scenario.get("turns", [])
        self.side = scenario.get("side", {"text": "ok", "usage": {"input": 1, "output": 1}})
        self.model = scenario.get("model")  # reported model; default: echo the request's
        self.main_model = scenario.get("main_model")  # requests for other models are side calls
        self.turn = -1
        self.errors_left = {}
        self.log_path = log_path
        self.seq = 0

    def log(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            entry["time"] = time.time()
            if self.log_path:
                with open(self.log_path, "a") as f:
                    f.write(json.dumps(entry) + "\n")

    def pending_error(self, index):
        """The error to inject on the request that would start turn `index`."""
        if index >= len(self.turns):
            return None
        errors = self.turns[index].get("errors", [])
        for i, e in enumerate(errors):
            key = (index, i)
            left = self.errors_left.setdefault(key, int(e.get("times", 1)))
            if left > 0:
                self.errors_left[key] = left - 1
                return e
        return None

    def next_main(self):
        """A main-loop request without a tool result: an error, or the next turn."""
        with self.lock:
            err = self.pending_error(self.turn + 1)
            if err is not None:
                return self.turn + 1, None, err
            self.turn += 1
            if self.turn >= len(self.turns):
                return self.turn, {"text": "The scenario has no more turns.", "exhausted": True}, None
            return self.turn, self.turns[self.turn], None

    def current(self):
        with self.lock:
            if 0 <= self.turn < len(self.turns):
                return self.turn, self.turns[self.turn]
            return self.turn, {"text": "The scenario has no more turns.", "exhausted": True}


def last_user_has_tool_result(body):
    msgs = body.get("messages") or []
    for m in reversed(msgs):
        role = m.get("role")
        if role == "tool":  # OpenAI
            return True
        if role != "user":
            continue
        content = m.get("content")
        if isinstance(content, list):
            return any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
        return False
    return False


def system_text(body):
    s = body.get("system")
    if isinstance(s, list):
        return "\n".join(b.get("text", "") for b in s if isinstance(b, dict))
    if isinstance(s, str):
        return s
    for m in body.get("messages") or []:
        if m.get("role") == "system" and isinstance(m.get("content"), str):
            return m["content"]
    return ""


def is_side_request(script, body):
    """Title generation, topic checks, quota probes: anything but the loop's agent.
    Claude Code's agent call always offers tools; its side queries carry a
    system prompt and no tools. ralph's own HTTP agents send neither."""
    if script.main_model and body.get("model") != script.main_model:
        return True
    return bool(system_text(body)) and not body.get("tools")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ralph-model-server/1"

    def log_message(self, fmt, *args):  # keep stderr quiet; the JSON log has it all
        if self.server.verbose:
            sys.stderr.write("model-server: " + (fmt % args) + "\n")

    # --- plumbing -----------------------------------------------------------------
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            return data
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status, obj, extra_headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop(self):
        """Closes the connection in the middle of the body, as a failing proxy does."""
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def sse(self, event, obj):
        self.write_chunk("event: %s\ndata: %s\n\n" % (event, json.dumps(obj)))

    def dump_request(self, raw):
        d = self.server.dump_dir
        if not d:
            return
        with self.server.script.lock:
            self.server.dump_seq += 1
            n = self.server.dump_seq
        hdrs = {k: ("[key]" if k.lower() in ("x-api-key", "authorization") else v)
                for k, v in self.headers.items()}
        with open(os.path.join(d, "req-%04d.json" % n), "w") as f:
            json.dump({"method": self.command, "path": self.path, "headers": hdrs,
                       "body": raw.decode("utf-8", "replace")}, f, indent=1)

    # --- routes ---------------------------------------------------------------------
    def do_GET(self):
        self.dump_request(b"")
        self.server.script.log({"method": "GET", "path": self.path, "kind": "other", "status": 200})
        self.send_json(200, {"data": [], "object": "list"})

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        raw = self.read_body()
        self.dump_request(raw)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        path = self.path.split("?")[0]
        if path.endswith("/messages/count_tokens"):
            n = max(1, len(raw) // 4)
            self.server.script.log({"method": "POST", "path": self.path, "kind": "count_tokens",
                                    "model": body.get("model"), "status": 200})
            return self.send_json(200, {"input_tokens": n})
        if path.endswith("/v1/messages"):
            return self.answer(body, "anthropic")
        if path.endswith("/chat/completions"):
            return self.answer(body, "openai")
        self.server.script.log({"method": "POST", "path": self.path, "kind": "other", "status": 200})
        self.send_json(200, {})

    def answer(self, body, api):
        script = self.server.script
        model = body.get("model", "")
        stream = bool(body.get("stream"))
        entry = {"method": "POST", "path": self.path, "api": api, "model": model, "stream": stream,
                 "auth": ("x-api-key" if self.headers.get("x-api-key") else
                          "bearer" if self.headers.get("Authorization", "").startswith("Bearer ") else "none"),
                 "anthropic_version": self.headers.get("anthropic-version"),
                 "max_tokens": body.get("max_tokens", body.get("max_completion_tokens")),
                 "include_usage": bool((body.get("stream_options") or {}).get("include_usage"))}
        if api == "anthropic" and is_side_request(script, body):
            turn, spec = -1, script.side
            entry["kind"] = "side"
        elif last_user_has_tool_result(body):
            turn, t = script.current()
            spec = {"text": t.get("after_tool", "Done."), "usage": t.get("after_tool_usage", t.get("usage"))}
            entry["kind"] = "after_tool"
        else:
            turn, spec, err = script.next_main()
            if err is not None and err.get("stream_error"):
                # A 200 whose stream fails at once (no text, zero usage), as an overloaded API does.
                entry.update({"kind": "error", "turn": turn, "status": 200, "side": False,
                              "stream_error": err["stream_error"]})
                script.log(entry)
                zero = {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0}
                err_spec = {"stream_error": err["stream_error"]}
                if api == "anthropic":
                    return self.anthropic(err_spec, zero, script.model or model, True)
                return self.openai(err_spec, zero, script.model or model, True, body)
            if err is not None:
                entry.update({"kind": "error", "turn": turn, "status": int(err["status"]), "side": False})
                script.log(entry)
                return self.send_error_response(api, err)
            entry["kind"] = "main"
        entry["turn"] = turn
        entry["side"] = entry["kind"] == "side"
        usage = usage_of(spec.get("usage"))
        entry.update({"status": 200, "usage": usage, "exhausted": bool(spec.get("exhausted"))})
        reported = script.model or model
        if spec.get("stream_error"):
            entry["stream_error"] = spec["stream_error"]
        script.log(entry)
        if api == "anthropic":
            self.anthropic(spec, usage, reported, stream)
        else:
            self.openai(spec, usage, reported, stream, body)

    def send_error_response(self, api, err):
        status = int(err["status"])
        headers = {}
        if "retry_after" in err:
            headers["retry-after"] = str(err["retry_after"])
        if "retry_after_ms" in err:
            headers["retry-after-ms"] = str(err["retry_after_ms"])
        etype = {429: "rate_limit_error", 529: "overloaded_error", 401: "authentication_error",
                 403: "permission_error", 404: "not_found_error", 400: "invalid_request_error"}.get(
                     status, "api_error")
        message = err.get("message", "scripted %d" % status)
        if err.get("echo_key"):  # some proxies echo the request headers back
            key = self.headers.get("x-api-key") or self.headers.get("Authorization", "")
            message += " (x-api-key: %s)" % key
        if api == "anthropic":
            obj = {"type": "error", "error": {"type": etype, "message": message}}
        else:
            obj = {"error": {"message": message, "type": etype, "code": status}}
        if "details" in err:
            obj["error"]["details"] = err["details"]
        self.send_json(status, obj, headers)

    # --- Anthropic ------------------------------------------------------------------
    def anthropic(self, spec, usage, model, stream):
        msg_id = "msg_%06d" % self.server.script.seq
        text = spec.get("text")
        tool = spec.get("tool")
        blocks = []
        if text:
            blocks.append({"type": "text", "text": text})
        if tool:
            blocks.append({"type": "tool_use", "id": "toolu_%06d" % self.server.script.seq,
                           "name": tool["name"], "input": tool.get("input", {})})
        stop = "tool_use" if tool else "end_turn"
        full_usage = {"input_tokens": usage["input"], "cache_creation_input_tokens": usage["cache_write"],
                      "cache_read_input_tokens": usage["cache_read"], "output_tokens": usage["output"]}
        if not stream:
            return self.send_json(200, {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                                        "content": blocks, "stop_reason": stop, "stop_sequence": None,
                                        "usage": full_usage})
        self.start_stream()
        start_usage = dict(full_usage, output_tokens=1)
        self.sse("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "content": [], "model": model,
            "stop_reason": None, "stop_sequence": None, "usage": start_usage}})
        self.sse("ping", {"type": "ping"})
        delay = float(spec.get("chunk_delay", 0))
        for i, b in enumerate(blocks):
            if b["type"] == "text":
                self.sse("content_block_start", {"type": "content_block_start", "index": i,
                                                 "content_block": {"type": "text", "text": ""}})
                for n, piece in enumerate(chunks(b["text"])):
                    self.sse("content_block_delta", {"type": "content_block_delta", "index": i,
                                                     "delta": {"type": "text_delta", "text": piece}})
                    if n == 0 and spec.get("stall"):
                        time.sleep(float(spec["stall"]))
                    if n == 0 and spec.get("drop"):
                        return self.drop()
                    time.sleep(delay)
            else:
                self.sse("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                    "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}})
                for piece in chunks(json.dumps(b["input"])):
                    self.sse("content_block_delta", {"type": "content_block_delta", "index": i,
                                                     "delta": {"type": "input_json_delta", "partial_json": piece}})
            self.sse("content_block_stop", {"type": "content_block_stop", "index": i})
        if spec.get("stream_error"):
            self.sse("error", {"type": "error", "error": {"type": spec["stream_error"], "message": "scripted"}})
            return self.end_stream()
        self.sse("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                   "usage": full_usage})
        self.sse("message_stop", {"type": "message_stop"})
        self.end_stream()

    # --- OpenAI ---------------------------------------------------------------------
    def openai(self, spec, usage, model, stream, body):
        cid = "chatcmpl-%06d" % self.server.script.seq
        text = spec.get("text") or ""
        tool = spec.get("tool")
        created = int(time.time())
        u = {"prompt_tokens": usage["input"] + usage["cache_read"], "completion_tokens": usage["output"],
             "total_tokens": usage["input"] + usage["cache_read"] + usage["output"],
             "prompt_tokens_details": {"cached_tokens": usage["cache_read"]}}
        finish = "tool_calls" if tool else "stop"
        calls = [{"index": 0, "id": "call_%06d" % self.server.script.seq, "type": "function",
                  "function": {"name": tool["name"], "arguments": json.dumps(tool.get("input", {}))}}] if tool else None
        if not stream:
            msg = {"role": "assistant", "content": text}
            if calls:
                msg["tool_calls"] = [{k: v for k, v in c.items() if k != "index"} for c in calls]
            return self.send_json(200, {"id": cid, "object": "chat.completion", "created": created, "model": model,
                                        "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
                                        "usage": u})

        def chunk(choices, usage_value=None):
            self.write_chunk("data: %s\n\n" % json.dumps({
                "id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": choices, "usage": usage_value}))

        self.start_stream()
        chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        for n, piece in enumerate(chunks(text)):
            chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
            if n == 0 and spec.get("stall"):
                time.sleep(float(spec["stall"]))
            time.sleep(float(spec.get("chunk_delay", 0)))
        if calls:
            chunk([{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": None}])
        if spec.get("stream_error"):
            self.write_chunk("data: %s\n\n" % json.dumps({"error": {"message": "scripted", "type": spec["stream_error"]}}))
            return self.end_stream()
        chunk([{"index": 0, "delta": {}, "finish_reason": finish}])
        if (body.get("stream_options") or {}).get("include_usage"):
            chunk([], u)
        self.write_chunk("data: [DONE]\n\n")
        self.end_stream()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", help="append one JSON line per request")
    ap.add_argument("--workdir", default=os.getcwd(), help="fills {{workdir}} in the scenario")
    ap.add_argument("--dump-dir", help="write every request (headers and body, keys masked) here")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = fill(json.load(f), {"workdir": os.path.abspath(args.workdir)})
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.script = Script(scenario, args.log)
    server.dump_dir = args.dump_dir
    server.dump_seq = 0
    server.verbose = args.verbose
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)  # readers never see a half-written file
    print("model-server listening on %s:%d" % (args.host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
