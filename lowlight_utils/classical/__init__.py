"""Classical baselines: what every learned model has to beat (notebooks 01, 05 and 06).

:mod:`.lowlight` holds the low-light curves and equalisations (gamma, histogram
equalisation, CLAHE, ...); :mod:`.restoration` the denoisers and deconvolutions of the
``noise`` and ``blur`` tasks, tuned on the validation split.
"""
