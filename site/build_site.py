"""Build the course site: every lesson in Korean and in English, exercises without solutions (`make site`).

    python site/build_site.py [--out build/site]

writes

    build/site-src/<lang>/        the pages' sources: one notebook per lesson, in one language
    build/site-work/<lang>/       where Sphinx builds (MyST-NB keeps its notebook copies there)
    build/site/<lang>/index.html  the site, one Sphinx (MyST-NB) build per language
    build/site/index.html         a page that sends readers to either language

Each page is the lesson notebook itself, with its stored outputs, after three steps: nbgrader's own
`ClearSolutions` and `ClearHiddenTests` (with the course's stubs, as in a student release), the outputs of
exercise and check cells cleared (they would show the solution's results), and the other language's prose
dropped (`course_grader.languages.only_language`).
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

import nbformat

from course_grader.languages import only_language
from course_grader.notebook_checks import is_answer, is_test, lesson_notebooks

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LANGUAGES = ("ko", "en")

INDEX = {
    "ko": """# Keras 속까지

TensorFlow 2와 Keras 3를 안에서부터 배우는 강의입니다. 강의마다 API를 따라가며 수식을 유도하고, NumPy와
저수준 TensorFlow로 다시 만든 다음 Keras가 내는 값과 맞춰 봅니다. 연습 문제는 정답 없이 실려 있습니다.
직접 풀고 채점을 받으려면 저장소에서 `make lab`을 실행하세요.
""",
    "en": """# Keras from the inside

A course that teaches TensorFlow 2 and Keras 3 from the inside: each lesson walks through an API, derives its
math, rebuilds it in NumPy and low-level TensorFlow, and matches it against Keras. The exercises are shown
without their solutions; run `make lab` in the repository to solve them and have them graded.
""",
}

ROOT_PAGE = """<!DOCTYPE html>
<html lang="ko">
<head><meta charset="utf-8"><title>Keras 속까지 / Keras from the inside</title></head>
<body>
<h1>Keras 속까지 / Keras from the inside</h1>
<ul>
<li><a href="ko/index.html" hreflang="ko">한국어</a></li>
<li><a href="en/index.html" hreflang="en">English</a></li>
</ul>
</body>
</html>
"""


def course_stubs():
    """The stubs a student release has, from the course's own nbgrader configuration."""
    from course_grader.cli import load_config

    config = load_config()
    return config.ClearSolutions.code_stub, config.ClearSolutions.text_stub


def without_solutions(nb, code_stub, text_stub):
    """The lesson as a student sees it: stubs in answer cells, no hidden tests, no outputs of exercise cells."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    resources = {}
    nb, resources = ClearSolutions(code_stub=code_stub, text_stub=text_stub).preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type == "code" and (is_answer(cell) or is_test(cell)):
            cell.outputs = []
            cell.execution_count = None
    return nb


def write_sources(language, source_root):
    """One notebook per lesson, in `language`, under `source_root`, plus the index page."""
    code_stub, text_stub = course_stubs()
    shutil.rmtree(source_root, ignore_errors=True)
    os.makedirs(source_root)
    lessons = []
    for path in lesson_notebooks():
        lesson = os.path.splitext(os.path.basename(path))[0]
        nb = without_solutions(nbformat.read(path, as_version=4), code_stub, text_stub)
        nbformat.write(only_language(nb, language), os.path.join(source_root, f"{lesson}.ipynb"))
        lessons.append(lesson)
    toctree = "\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(lessons) + "\n```\n"
    with open(os.path.join(source_root, "index.md"), "w", encoding="utf-8") as f:
        f.write(INDEX[language] + toctree)
    return lessons


def sphinx_build(language, source_root, out_root):
    env = dict(os.environ, COURSE_SITE_LANGUAGE=language)
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1", "-c", HERE,
        "-D", f"language={language}", "-d", os.path.join(source_root, ".doctrees"), source_root, out_root,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"sphinx-build ({language}) failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    return result.stderr  # Sphinx's warnings


def build(out):
    sources = os.path.join(os.path.dirname(out), "site-src")
    # MyST-NB writes its copies of the notebooks next to the output directory (`../jupyter_execute`):
    # each language builds in a work directory of its own, so the two builds never share one.
    work = os.path.join(os.path.dirname(out), "site-work")
    shutil.rmtree(work, ignore_errors=True)
    for language in LANGUAGES:
        write_sources(language, os.path.join(sources, language))
    with concurrent.futures.ThreadPoolExecutor(len(LANGUAGES)) as pool:
        jobs = {
            language: pool.submit(sphinx_build, language, os.path.join(sources, language), os.path.join(work, language, "html"))
            for language in LANGUAGES
        }
        warnings = {language: job.result() for language, job in jobs.items()}
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for language in LANGUAGES:
        shutil.move(os.path.join(work, language, "html"), os.path.join(out, language))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(ROOT_PAGE)
    for language, text in warnings.items():
        if text.strip():
            print(f"[{language}] Sphinx warnings:\n{text}", file=sys.stderr)
    print(f"site: {os.path.relpath(os.path.join(out, 'index.html'), REPO)}")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "build", "site"), help="where the site goes (default build/site)")
    args = parser.parse_args(argv)
    build(os.path.abspath(args.out))


if __name__ == "__main__":
    main()
