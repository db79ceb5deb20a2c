-- headway: metric big_orders (metrics/metrics.yml:15)
-- grain=week by=- engine=spark spec=61bd34b74030eb92
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-02-05') AS v(`period`)
), `l0` /* metric big_orders (metrics/metrics.yml:15) as v0: count over orders, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_orders` AS `t`
  WHERE
    (
      `t`.`amount` >= 55
    ) AND (
      `t`.`qty` > 1
    ) AND (
      `t`.`amount` <> 80
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE)
)
/* metric big_orders (metrics/metrics.yml:15) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
