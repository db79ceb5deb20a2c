-- headway: metric headcount (metrics/metrics.yml:19)
-- grain=week by=team engine=spark spec=a93f60dc9f09e77f
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-29'),
    ('2024-02-05') AS v(`period`)
), `l0_last` /* metric headcount (metrics/metrics.yml:19) as v0: sum over headcount, snapshot_last (snapshot times) */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', CAST(`t`.`day` AS TIMESTAMP)) AS DATE) AS `period`,
    MAX(CAST(`t`.`day` AS TIMESTAMP)) AS `ts`
  FROM `hw_headcount` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', CAST(`t`.`day` AS TIMESTAMP)) AS DATE)
), `l0` /* metric headcount (metrics/metrics.yml:19) as v0: sum over headcount, snapshot_last */ AS (
  SELECT
    `s`.`period` AS `period`,
    `t`.`team` AS `d0`,
    SUM(`t`.`employees`) AS `v0`,
    COUNT(`t`.`employees`) AS `n0`
  FROM `hw_headcount` AS `t`
  INNER JOIN `l0_last` AS `s`
    ON CAST(`t`.`day` AS TIMESTAMP) = `s`.`ts`
  GROUP BY
    `s`.`period`,
    `t`.`team`
), `dim_keys` /* every dimension value seen in range */ AS (
  SELECT
    `k`.`d0`
  FROM (
    SELECT DISTINCT
      `l0`.`d0`
    FROM `l0`
    INNER JOIN `spine`
      ON `l0`.`period` = `spine`.`period`
  ) AS k
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `k`.`d0`
  FROM `spine` AS `s`
  CROSS JOIN `dim_keys` AS `k`
)
/* metric headcount (metrics/metrics.yml:19) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period` AND `l0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
