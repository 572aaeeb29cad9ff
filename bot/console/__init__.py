"""The staff web console at /console/: the same Flask app, over the same stores.

Staff are not programmers: every page is Chinese, every change is checked before it is
written and recorded in the audit trail. Nothing here is loaded from the internet at
run time (campus intranets): templates, styles and charts are served by the app itself.
"""
