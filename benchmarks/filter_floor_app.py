"""The baseline of the filter-latency benchmark: the smallest page a sector filter can
change (one multiselect and a Reset button in the sidebar, a title and one metric), served
and clicked the same way as the dashboard (``python -m benchmarks.bench --only filter``)."""

import streamlit as st

SECTORS = ["Defence", "Industry", "Mining", "Education", "Finance", "Diplomacy", "Transport"]


def reset() -> None:
    st.session_state["sectors"] = []


with st.sidebar:
    chosen = st.multiselect("Sectors", SECTORS, key="sectors")
    st.button("Reset filters", on_click=reset)
st.title("Floor")
st.metric("Sectors chosen", len(chosen))
