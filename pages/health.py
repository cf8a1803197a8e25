"""Health: is Qualia well? Refreshes itself; operators reset circuit breakers here."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_autorefresh import st_autorefresh

from pages.access import require
from pages.common import get_core, setting

require("admin", "The Health page")

st.title("Health")

try:
    from ops.monitoring.breaker_registry import registry_for
    from ops.monitoring.health import HealthChecker
except ImportError:
    st.info("The ops package is not installed, so there are no health checks or circuit breakers.")
    st.stop()


@st.cache_resource
def get_checker() -> HealthChecker:
    """One checker per server, so every operator sees the same history of samples."""
    return HealthChecker(get_core())


checker = get_checker()
default_interval = int(setting("HEALTH_CHECK_INTERVAL"))
cols = st.columns([2, 1, 3])
interval = cols[0].number_input("Refresh every (seconds)", min_value=1, max_value=3600, value=default_interval,
                                key="health_interval")
paused = cols[1].toggle("Pause", key="health_paused", help="Stop refreshing, e.g. while reading a table.")
cols[2].caption("The same report is served as JSON and Server-Sent Events by "
                "`python ops/monitoring/health_dashboard.py` for curl and uptime tools.")

BANNER = {"healthy": st.success, "degraded": st.warning, "critical": st.error}
STATE_LABEL = {"closed": "working", "open": "switched off", "half_open": "trying again"}


def tiles(report: dict, previous: dict | None) -> None:
    system = report["components"]["system"]
    plugins = report["components"]["plugins"]
    cols = st.columns(5)
    for col, (key, label, unit) in zip(cols, [("cpu_percent", "CPU", "%"), ("memory_percent", "Memory", "%"),
                                              ("disk_percent", "Disk", "%"), ("process_memory_mb", "App memory", " MB")]):
        delta = None if not previous else round(system[key] - previous[key], 1)
        col.metric(label, f"{system[key]:.1f}{unit}", delta=delta, delta_color="inverse")
    cols[4].metric("Plugins working", f"{plugins['working']}/{plugins['total']}")


def history_chart(samples: list[dict]) -> None:
    if len(samples) < 2:
        st.caption("History charts appear after the second sample.")
        return
    frame = pd.DataFrame(samples)
    fig = go.Figure()
    for key, label in (("cpu_percent", "CPU %"), ("memory_percent", "Memory %"), ("disk_percent", "Disk %")):
        fig.add_trace(go.Scatter(x=frame["timestamp"], y=frame[key], name=label, mode="lines+markers"))
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=10, b=10), yaxis=dict(range=[0, 100], title="%"))
    st.plotly_chart(fig, key="health_history", config={"displaylogo": False})


def breakers(report: dict) -> None:
    details = report["components"]["circuit_breakers"]["details"]
    plugins = report["components"]["plugins"]["plugins"]
    st.subheader("Plugins and circuit breakers")
    st.caption("A plugin that fails again and again is switched off for a while and retried by itself.")
    registry = registry_for(get_core().data_dir)
    for pid, p in plugins.items():
        b = details.get(pid, {})
        cols = st.columns([3, 2, 2, 4, 2, 2])
        cols[0].markdown(f"**{pid}**")
        if p["status"] == "failed_to_load":
            cols[1].markdown(":red[failed to load]")
            cols[3].caption(p.get("reason", ""))
            continue
        state = b.get("state", "closed")
        colour = {"closed": "green", "open": "red", "half_open": "orange"}[state]
        cols[1].markdown(f":{colour}[{STATE_LABEL[state]}]")
        cols[2].caption(f"{b.get('consecutive_failures', 0)} failing in a row · {b.get('total_failures', 0)} "
                        f"of {b.get('total_calls', 0)} calls")
        cols[3].caption(b.get("last_failure_message") or "no failures")
        if state == "open":
            cols[4].caption(f"retry in {b.get('retry_in_seconds', 0):.0f} s")
        if state != "closed":
            cols[5].button("Reset", key=f"health_reset_{pid}", on_click=registry.reset, args=(pid,),
                           help="Switch the plugin back on now instead of waiting for the retry.")


def live() -> None:
    previous = checker.history_samples()[-1] if checker.history_samples() else None
    report = checker.check()
    BANNER[report["overall_status"]](f"Qualia is **{report['overall_status']}** (checked {report['timestamp'][11:19]} UTC)")
    tiles(report, previous)
    history_chart(checker.history_samples())
    alerts = report["alerts"]
    st.subheader("Alerts")
    system = report["components"]["system"]
    st.caption(f"CPU, memory and disk raise an alert when they stay over their limit for "
               f"{system['sustained_seconds']:.0f} s (`ALERT_SUSTAINED_SECONDS`): one busy moment is not an alert.")
    if not alerts:
        st.caption("No alerts.")
    for a in alerts:
        (st.error if a["level"] == "critical" else st.warning)(f"{a['component']}: {a['message']}")
    breakers(report)
    backups = report["components"]["backups"]
    st.caption(f"Last backup: {backups.get('last_backup_at') or 'never'}"
               + (f" ({backups['last_result']})" if backups.get("last_result") else ""))


# streamlit-autorefresh (the design's choice) reruns the page from the browser every interval; checked
# in headless Chromium with Streamlit 1.67. AppTest cannot tick it, so tests drive reruns themselves.
if not paused:
    st_autorefresh(interval=int(interval * 1000), key="health_autorefresh")
live()
