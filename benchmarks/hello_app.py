"""The baseline of the browser benchmarks: a one-metric Streamlit page, served the same way
as the dashboard (``python -m benchmarks.bench`` starts it next to the app)."""

import streamlit as st

st.title("Hello")
st.metric("Answer", 42)
