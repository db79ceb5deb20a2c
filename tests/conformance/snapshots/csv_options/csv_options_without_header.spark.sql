-- headway: metric units (metrics/metrics.yml:28)
-- grain=day by=- engine=spark spec=4d6de6e8a1f6ddad
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-05') AS v(`period`)
), `l0` /* metric units (metrics/metrics.yml:28) as v0: sum over units, plain */ AS (
  SELECT
    CAST(CAST(`t`.`day` AS TIMESTAMP) AS DATE) AS `period`,
    SUM(`t`.`units`) AS `v0`,
    COUNT(`t`.`units`) AS `n0`
  FROM `hw_units` AS `t`
  GROUP BY
    CAST(CAST(`t`.`day` AS TIMESTAMP) AS DATE)
)
/* metric units (metrics/metrics.yml:28) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
