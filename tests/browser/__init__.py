"""Helpers for the browser test: a throw-away JupyterLab server and a student's moves in it.

- ``lab.JupyterLab``: ``jupyter lab`` on 127.0.0.1 in a temporary home, stopped with its kernels.
- ``student.StudentNotebook``: what a student does in a notebook tab (type, run, validate), through Playwright.
- ``processes``: proof that nothing we started outlives the test.
"""
