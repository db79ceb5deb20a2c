-- headway: metric active_users_28d (metrics/metrics.yml:8)
-- grain=week by=- engine=spark spec=870ed8002598a015
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`w0`, '') AS DATE) AS `w0`
  FROM VALUES
    ('2024-04-29', '2024-05-06', '2024-04-08'),
    ('2024-05-06', '2024-05-13', '2024-04-15') AS v(`period`, `period_end`, `w0`)
), `l0_days` /* metric active_users_28d (metrics/metrics.yml:8) as v0: count_distinct over activity, window (per-day partials) */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `day`,
    `t`.`user_id` AS `x`
  FROM `hw_activity` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE),
    `t`.`user_id`
), `l0` /* metric active_users_28d (metrics/metrics.yml:8) as v0: count_distinct over activity, window */ AS (
  SELECT
    `s`.`period` AS `period`,
    COUNT(DISTINCT `b`.`x`) AS `v0`
  FROM `spine` AS `s`
  INNER JOIN `l0_days` AS `b`
    ON (
      `b`.`day` < `s`.`period_end`
    ) AND (
      `b`.`day` >= `s`.`w0`
    )
  GROUP BY
    `s`.`period`
)
/* metric active_users_28d (metrics/metrics.yml:8) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
