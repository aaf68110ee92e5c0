"""五度 reports people look at: offline HTML (inline SVG charts) and xlsx per district, school, teacher.

Modules: fields (mart columns -> report fields, NULL reasons), data (queries), model (the numbers),
charts (matplotlib SVG), html, excel, build (files on disk).
"""
