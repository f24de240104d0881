"""Sphinx configuration of the course site (`make site`; built by `site/build_site.py`, one run per language).

The pages are the lessons' stored outputs (nothing is executed), with the exercises as students get them.
"""

import os

language = os.environ.get("COURSE_SITE_LANGUAGE", "ko")
OTHER_LANGUAGE = {"ko": "en", "en": "ko"}[language]

project = "Keras 속까지" if language == "ko" else "Keras from the inside"
author = "Keras from the inside"
copyright = "2026"

extensions = [
    "myst_nb",
    "sphinx-mathjax-offline",  # MathJax 3 served from the site itself: no CDN, the site works offline
]
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = [os.path.join(os.path.dirname(__file__), "_templates")]
html_static_path = [os.path.join(os.path.dirname(__file__), "_static")]
html_css_files = ["course.css"]

# Notebooks are shown as stored; `$...$` and `$$...$$` are the lessons' math.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# Lessons start their sections at `##` under one `#` title, and show Keras's own mime types as text.
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_last_updated_fmt = None
html_theme_options = {
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
html_sidebars = {"**": ["navbar-logo.html", "language-switch.html", "sbt-sidebar-nav.html"]}
html_context = {
    "other_language": OTHER_LANGUAGE,
    "other_language_name": {"ko": "한국어", "en": "English"}[OTHER_LANGUAGE],
}
html_copy_source = False
