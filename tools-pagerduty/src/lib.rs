//! PagerDuty tools.
