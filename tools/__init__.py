"""Scripts for teachers and maintainers; no notebook imports them.

- ``student``   the student edition: the notebooks without their worked solutions (``make student``)
- ``diagrams``  the diagrams of the notebooks, written as SVG into notebooks/images/ (``make diagrams``)
"""
