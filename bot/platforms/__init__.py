"""One package per platform; the only code that imports wechatpy or lark-oapi.

Each adapts: it verifies and parses what the platform sends into a `Message`, renders a
`Reply` or a `Notice` the platform's way, and calls the platform's API. None decides what
to answer: that is the handlers' job.
"""
