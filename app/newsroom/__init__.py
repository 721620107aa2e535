"""The newsroom: stories shared with a desk through the newsroom's PostgreSQL, each laptop's
library staying the desk's truth and working offline (see docs/newsroom.md)."""
