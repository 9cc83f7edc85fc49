"""Plumbing shared by the subpackages; not part of the course's API.

:mod:`.tflog` (TensorFlow's start-up log, filtered), :mod:`.parallel` (image-by-image work on
every core), and what the method packages build on: :mod:`.method_spec` (what a trainable
method declares), :mod:`.schedules` (learning-rate schedules) and :mod:`.fused_adam`.
These sit below every other subpackage, so that none imports another in a circle.
"""
