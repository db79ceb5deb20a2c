-- headway: metric acme_revenue (metrics/metrics.yml:8)
-- grain=day by=- engine=spark spec=61bd34b74030eb92
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-02-05'),
    ('2024-02-06') AS v(`period`)
), `l0` /* metric acme_revenue (metrics/metrics.yml:8) as v0: sum over orders, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`amount`) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_orders` AS `t`
  WHERE
    (
      `t`.`email` LIKE '%@acme.com'
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric acme_revenue (metrics/metrics.yml:8) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
