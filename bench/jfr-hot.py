#!/usr/bin/env python3
"""Summarise CPU samples (jdk.ExecutionSample) of a JFR recording.

Usage: bench/jfr-hot.py RECORDING.jfr [--thread SUBSTRING] [--within FRAME_PREFIX] [--last SECONDS] [--top N] [--jfr PATH]

Prints (1) top methods by self samples, (2) top methods by inclusive samples (a method counted
once per sample it appears in), (3) inclusive shares of a few markers that matter for a
sign-in (crypto, Jackson mapper construction, H2, transactions, Tomcat, Spring Security...).
Only samples of threads whose name contains --thread (default: all), and with --within only
samples with a frame starting with FRAME_PREFIX (e.g. a JMH stub), and with --last only samples
of the recording's last SECONDS (e.g. the measured phase at the end of a TokenLoad run), are counted.
"""
import collections
import json
import os
import subprocess
import sys

MARKERS = [
    ("sign-in: SignInService.start (options)", ["dev.glasskey.webauthn.SignInService.start"]),
    ("sign-in: SignInService.finish", ["dev.glasskey.webauthn.SignInService.finish"]),
    ("Yubico finishAssertion", ["com.yubico.webauthn.RelyingParty.finishAssertion"]),
    ("Yubico startAssertion", ["com.yubico.webauthn.RelyingParty.startAssertion"]),
    ("Yubico JacksonCodecs.json() (new ObjectMapper per call)", ["com.yubico.internal.util.JacksonCodecs.json"]),
    ("Jackson 2 deserializer/serializer construction (cold caches)", [
        "com.fasterxml.jackson.databind.deser.DeserializerCache._createAndCacheValueDeserializer",
        "com.fasterxml.jackson.databind.ser.SerializerCache", "com.fasterxml.jackson.databind.SerializerProvider._createAndCacheUntypedSerializer"]),
    ("ECDSA verify (Signature.verify)", ["java.security.Signature.verify"]),
    ("ECDSA sign (Signature.sign)", ["java.security.Signature.sign"]),
    ("SecureRandom", ["java.security.SecureRandom.nextBytes"]),
    ("H2 (org.h2.*)", ["org.h2."]),
    ("Hikari getConnection", ["com.zaxxer.hikari.HikariDataSource.getConnection"]),
    ("transaction commit", ["org.springframework.transaction.support.AbstractPlatformTransactionManager.commit"]),
    ("audit record", ["dev.glasskey.audit.Audit.record"]),
    ("Spring Security filter chain", ["org.springframework.security.web.FilterChainProxy.doFilter"]),
    ("Spring MVC DispatcherServlet", ["org.springframework.web.servlet.DispatcherServlet.doDispatch"]),
    ("Tomcat session create/changeSessionId", ["org.apache.catalina.session.ManagerBase.createSession",
                                               "org.apache.catalina.session.ManagerBase.changeSessionId",
                                               "org.apache.catalina.connector.Request.changeSessionId"]),
    ("Jackson 3 (tools.jackson.*)", ["tools.jackson."]),
    ("logging (ch.qos.logback / slf4j)", ["ch.qos.logback.", "org.slf4j."]),
    ("GC / JIT threads are not sampled here", []),
]


# Layer attribution: a sample goes to the first rule that matches; "stack contains" rules first,
# then the leaf-most frame outside the JDK (so JDK code is charged to the library that called it).
CONTAINS = [
    ("H2 commit (MVStore.commit: chunk serialisation and write)", "org.h2.mvstore.MVStore.commit"),
    ("Jackson 2 serializer/deserializer construction", "com.fasterxml.jackson.databind.deser.DeserializerCache._createAndCacheValueDeserializer"),
    ("Jackson 2 serializer/deserializer construction", "com.fasterxml.jackson.databind.SerializerProvider._createAndCacheUntypedSerializer"),
    ("ECDSA verification (Signature.verify)", "java.security.Signature.verify"),
    ("SecureRandom", "java.security.SecureRandom.nextBytes"),
]
LEAF = [
    ("H2, other (SQL parse, queries, updates)", "org.h2."),
    ("Bouncy Castle, other", "org.bouncycastle."),
    ("Jackson 2, other", "com.fasterxml."),
    ("Jackson 3 (Spring MVC JSON)", "tools.jackson."),
    ("Yubico, other", "com.yubico."),
    ("Glasskey code", "dev.glasskey."),
    ("Hikari", "com.zaxxer."),
    ("Spring Security", "org.springframework.security."),
    ("Spring transactions/JDBC", "org.springframework.transaction."),
    ("Spring transactions/JDBC", "org.springframework.jdbc."),
    ("Spring MVC / web", "org.springframework.web."),
    ("Spring, other", "org.springframework."),
    ("Tomcat", "org.apache."),
    ("Thymeleaf", "org.thymeleaf."),
]


def layer(frames):
    for label, marker in CONTAINS:
        if any(f.startswith(marker) for f in frames):
            return label
    for f in frames:
        for label, prefix in LEAF:
            if f.startswith(prefix):
                return label
    return "JDK only"


def frame_name(frame):
    method = frame.get("method", {})
    typ = method.get("type", {}).get("name", "?").replace("/", ".")
    return typ + "." + method.get("name", "?")


def sample_time(event):
    """Seconds since the epoch of a sample (JFR prints startTime as an ISO-8601 string)."""
    import datetime
    text = event["values"]["startTime"]
    return datetime.datetime.fromisoformat(text).timestamp()


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    path = args[0]
    thread_filter = None
    within = None
    top = 25
    last = None
    jfr = "jfr"
    i = 1
    while i < len(args):
        if args[i] == "--thread":
            thread_filter = args[i + 1]; i += 2
        elif args[i] == "--within":
            within = args[i + 1]; i += 2
        elif args[i] == "--last":
            last = float(args[i + 1]); i += 2
        elif args[i] == "--top":
            top = int(args[i + 1]); i += 2
        elif args[i] == "--jfr":
            jfr = args[i + 1]; i += 2
        else:
            raise SystemExit("unknown argument " + args[i])
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "128", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    if last is not None and events:
        times = [sample_time(e) for e in events]
        cutoff = max(times) - last
        events = [e for e, t in zip(events, times) if t >= cutoff]
    self_counts = collections.Counter()
    incl_counts = collections.Counter()
    marker_counts = collections.Counter()
    threads = collections.Counter()
    layers = collections.Counter()
    total = 0
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or "?"
        if thread_filter and thread_filter not in thread:
            continue
        frames = [frame_name(f) for f in (v.get("stackTrace") or {}).get("frames", [])]
        if not frames:
            continue
        if within and not any(f.startswith(within) for f in frames):
            continue
        total += 1
        threads[thread.rstrip("0123456789")] += 1
        self_counts[frames[0]] += 1
        layers[layer(frames)] += 1
        for name in set(frames):
            incl_counts[name] += 1
        for label, prefixes in MARKERS:
            if prefixes and any(f.startswith(p) for f in frames for p in prefixes):
                marker_counts[label] += 1
    if total == 0:
        raise SystemExit("no CPU samples matched")
    print(f"{total} CPU samples in {os.path.basename(path)}" + (f" (threads matching '{thread_filter}')" if thread_filter else ""))
    print("\nthreads:", ", ".join(f"{t}* {c}" for t, c in threads.most_common(6)))
    print("\n-- by layer (each sample counted once: see CONTAINS/LEAF in this script)")
    for label, c in layers.most_common():
        print(f"{100.0 * c / total:6.1f}%  {label}")
    print(f"\n-- top {top} by self samples")
    for name, c in self_counts.most_common(top):
        print(f"{100.0 * c / total:6.1f}%  {name}")
    print(f"\n-- inclusive share of markers")
    for label, prefixes in MARKERS:
        if prefixes:
            print(f"{100.0 * marker_counts[label] / total:6.1f}%  {label}")
    print(f"\n-- top {top} by inclusive samples (dev.glasskey, com.yubico, org.h2, java.security, jackson)")
    interesting = ("dev.glasskey.", "com.yubico.", "org.h2.", "java.security.", "com.fasterxml.", "tools.jackson.")
    shown = 0
    for name, c in incl_counts.most_common():
        if name.startswith(interesting):
            print(f"{100.0 * c / total:6.1f}%  {name}")
            shown += 1
            if shown >= top:
                break


if __name__ == "__main__":
    main()
