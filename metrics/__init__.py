"""What can the pages call from metrics?

The public metric functions: pure functions over the tidy tables of
`loaders/model.py` that return DataFrames.
"""
from metrics.forecast import forecast_to_target, glide_path  # noqa: F401
from metrics.key_figures import key_figures  # noqa: F401
from metrics.level_change import level_change_grid  # noqa: F401
from metrics.plan_fact import plan_vs_fact  # noqa: F401
from metrics.roadmap import (events_due, roadmap_occurrences, roadmap_progress, roadmap_summary, roadmap_year,  # noqa: F401
                             roadmap_year_summary, select_events)
from metrics.measures import district_measure, procedure_scores, results_measure, wilson  # noqa: F401
from metrics.objectivity import objectivity_flags, objectivity_summary  # noqa: F401
from metrics.ranking import rank_schools  # noqa: F401
from metrics.programme import high_scorers, mark_measures, trial_below_district  # noqa: F401
from metrics.reconcile import reconcile  # noqa: F401
from metrics.risk import FLAG_LABELS, min_fail_summary, risk_flags, risk_summary  # noqa: F401
from metrics.social import context_adjusted, social_index  # noqa: F401
from metrics.uncertainty import funnel, intervals  # noqa: F401
