-- headway: metric median_order (metrics/metrics.yml:37)
-- grain=week by=- engine=spark spec=47a915ec6332cc5a
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01') AS v(`period`)
), `l0` /* metric median_order (metrics/metrics.yml:37) as v0: median over orders, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    ARRAY_SORT(
      COLLECT_LIST(CAST(`t`.`amount` AS DOUBLE)) FILTER(WHERE
        NOT `t`.`amount` IS NULL)
    ) AS `a0`,
    GREATEST(
      1,
      CAST(FLOOR(COUNT(`t`.`amount`) * 0.5 - 0.9799819922700268 * SQRT(COUNT(`t`.`amount`))) AS INT) - 3
    ) AS `al0`,
    GREATEST(
      1,
      CAST(FLOOR(COUNT(`t`.`amount`) * 0.5 + 0.9799819922700268 * SQRT(COUNT(`t`.`amount`))) AS INT) - 2
    ) AS `ah0`,
    PERCENTILE(`t`.`amount`, 0.5) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_orders` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE)
)
/* metric median_order (metrics/metrics.yml:37) */
SELECT
  `f`.`period`,
  `l0`.`v0` AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`,
  `l0`.`al0` AS `os_low_from`,
  SLICE(`l0`.`a0`, `l0`.`al0`, 8) AS `os_low`,
  `l0`.`ah0` AS `os_high_from`,
  SLICE(`l0`.`a0`, `l0`.`ah0`, 8) AS `os_high`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
