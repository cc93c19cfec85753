"""What filings say, shared by every form's synthetic content: places, bureaus with their
tasks, activities and the people they serve, sentences of plans and goals, amounts in cents,
and indicator names and values per 二级指标.
"""

import random

from pydantic import BaseModel, ConfigDict


def cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


CITIES = (
    "湛江市",
    "茂名市",
    "阳江市",
    "江门市",
    "肇庆市",
    "清远市",
    "韶关市",
    "梅州市",
    "河源市",
    "汕尾市",
    "揭阳市",
    "潮州市",
    "汕头市",
    "云浮市",
    "惠州市",
    "中山市",
)
DISTRICTS = (
    "赤坎区",
    "霞山区",
    "麻章区",
    "坡头区",
    "端州区",
    "鼎湖区",
    "蓬江区",
    "江海区",
    "清城区",
    "浈江区",
    "梅江区",
    "源城区",
    "榕城区",
    "湘桥区",
    "金平区",
    "惠城区",
)


class Bureau(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    tasks: tuple[str, ...]
    acts: tuple[str, ...]  # activities that get counted, checked and timed
    people: tuple[str, ...]  # who is served (满意度)
    aim: str


BUREAUS: tuple[Bureau, ...] = (
    Bureau(
        name="教育局",
        tasks=(
            "学前教育发展专项资金",
            "教师培训经费",
            "校园安全管理经费",
            "学生资助资金",
            "教育信息化建设经费",
        ),
        acts=("教师培训", "校园安全检查", "教学质量监测", "学生资助发放"),
        people=("学生", "家长", "教师"),
        aim="推动教育事业优质均衡发展",
    ),
    Bureau(
        name="民政局",
        tasks=(
            "社会救助工作经费",
            "养老服务体系建设资金",
            "殡葬管理工作经费",
            "婚姻登记工作经费",
            "社区治理专项经费",
        ),
        acts=("低保对象核查", "养老机构安全检查", "社会组织年检", "救助政策宣传"),
        people=("困难群众", "老年人", "低保对象"),
        aim="兜牢基本民生保障底线",
    ),
    Bureau(
        name="卫生健康局",
        tasks=(
            "基本公共卫生服务经费",
            "疾病预防控制经费",
            "卫生监督执法经费",
            "家庭医生签约服务经费",
        ),
        acts=("健康教育讲座", "卫生监督检查", "传染病监测", "义诊活动"),
        people=("群众", "患者", "签约居民"),
        aim="提升全民健康水平",
    ),
    Bureau(
        name="交通运输局",
        tasks=("农村公路养护资金", "道路运输管理经费", "交通安全应急保障经费"),
        acts=("公路巡查", "运输企业安全检查", "公路养护", "应急演练"),
        people=("群众", "运输企业", "驾乘人员"),
        aim="保障道路安全畅通",
    ),
    Bureau(
        name="农业农村局",
        tasks=(
            "高标准农田建设资金",
            "动物防疫经费",
            "农业技术推广经费",
            "乡村振兴驻镇帮镇扶村资金",
        ),
        acts=("农技培训", "动物疫病监测", "农产品质量抽检", "耕地质量调查"),
        people=("农户", "种养殖户", "新型农业经营主体"),
        aim="促进农业增效农民增收",
    ),
    Bureau(
        name="司法局",
        tasks=("人民调解工作经费", "法律援助经费", "社区矫正工作经费", "普法宣传经费"),
        acts=("法律援助案件办理", "普法宣传活动", "矛盾纠纷排查", "社区矫正走访"),
        people=("受援群众", "当事人", "社区矫正对象"),
        aim="推进法治政府建设",
    ),
    Bureau(
        name="文化广电旅游体育局",
        tasks=("公共文化服务经费", "文物保护专项经费", "全民健身活动经费", "旅游宣传推介经费"),
        acts=("文化惠民演出", "全民健身赛事", "文物安全巡查", "旅游推介活动"),
        people=("群众", "游客", "参赛群众"),
        aim="丰富群众精神文化生活",
    ),
    Bureau(
        name="生态环境局",
        tasks=("环境监测经费", "污染防治专项资金", "生态环境执法经费"),
        acts=("环境执法检查", "水质监测", "空气质量监测", "排污单位抽查"),
        people=("群众", "企业"),
        aim="持续改善生态环境质量",
    ),
    Bureau(
        name="自然资源局",
        tasks=("国土空间规划编制经费", "不动产登记工作经费", "耕地保护经费", "地质灾害防治经费"),
        acts=("地质灾害隐患点巡查", "卫片执法图斑核查", "不动产登记", "耕地保护检查"),
        people=("办事群众", "企业"),
        aim="提升自然资源保护和利用水平",
    ),
    Bureau(
        name="人力资源和社会保障局",
        tasks=("就业创业补贴资金", "职业技能培训经费", "劳动保障监察经费"),
        acts=("职业技能培训", "招聘会", "劳动保障监察", "创业补贴审核"),
        people=("求职者", "参训人员", "用人单位"),
        aim="稳定和扩大就业",
    ),
    Bureau(
        name="市场监督管理局",
        tasks=("食品安全抽检经费", "特种设备安全监察经费", "计量检定经费"),
        acts=("食品安全抽检", "特种设备检查", "计量器具检定", "价格监督检查"),
        people=("消费者", "市场主体"),
        aim="营造安全放心的消费环境",
    ),
    Bureau(
        name="应急管理局",
        tasks=("安全生产执法经费", "应急救援物资储备经费", "防灾减灾宣传经费"),
        acts=("安全生产执法检查", "应急演练", "隐患排查", "防灾减灾宣传"),
        people=("群众", "企业"),
        aim="防范化解重大安全风险",
    ),
    Bureau(
        name="归国华侨联合会",
        tasks=("侨联工作经费", "侨务接待经费", "海外联谊活动经费"),
        acts=("侨务接待", "联谊活动", "侨务调研", "侨法宣传"),
        people=("华侨", "归侨侨眷"),
        aim="凝聚侨心侨力",
    ),
    Bureau(
        name="残疾人联合会",
        tasks=("残疾人康复服务经费", "残疾人就业培训经费", "残疾人两项补贴资金"),
        acts=("康复训练", "就业培训", "补贴发放", "入户走访"),
        people=("残疾人", "残疾人亲属"),
        aim="促进残疾人全面发展",
    ),
    Bureau(
        name="档案馆",
        tasks=("档案数字化经费", "档案安全保管经费"),
        acts=("档案数字化扫描", "档案安全检查", "档案查阅服务", "档案接收进馆"),
        people=("查档群众", "立档单位"),
        aim="提升档案管理和服务水平",
    ),
    Bureau(
        name="机关事务管理局",
        tasks=("办公楼物业管理经费", "公务用车运行维护经费", "公共机构节能经费"),
        acts=("物业服务检查", "公务用车维护", "节能宣传", "设施设备维修"),
        people=("机关干部职工", "办事群众"),
        aim="保障机关高效运转",
    ),
)

GENERIC_TASKS = ("信息化建设及运维经费", "聘用人员经费", "党建工作经费", "办公设备购置经费")
VERBS = ("组织开展", "做好", "扎实推进", "加强", "落实", "规范", "完善", "持续开展")
PURPOSES = (
    "提升服务质量和效率",
    "保障工作正常有序开展",
    "确保资金使用安全规范有效",
    "进一步提高群众获得感和满意度",
    "推动各项工作落地见效",
    "形成长效工作机制",
    "为全市经济社会高质量发展提供有力保障",
    "切实解决群众急难愁盼问题",
)
DETAILS = (
    "按照年度工作计划，制定实施方案，明确责任分工和时间节点",
    "通过政府采购方式确定服务机构，严格履行合同管理和验收程序",
    "加强与各镇（街）及相关部门的沟通协调，形成工作合力",
    "做好资料收集整理、统计分析和归档工作",
    "开展日常监督检查和专项督导，及时发现和整改存在问题",
    "利用门户网站、微信公众号等平台加大宣传力度",
    "聘请第三方专业机构提供技术支持",
    "做好资金的申请、拨付和使用管理，严格执行财务制度",
)


def sentence(rng: random.Random, bureau: Bureau) -> str:
    parts = [f"{rng.choice(VERBS)}{rng.choice(bureau.acts)}工作"]
    parts += rng.sample(DETAILS, rng.randint(1, 2))
    parts.append(rng.choice(PURPOSES))
    return "，".join(parts) + "。"


def numbered(rng: random.Random, bureau: Bureau, lo: int, hi: int) -> str:
    """Numbered items; the separator after each is a hard break, a space or nothing."""
    style = rng.choice(("{}、", "{}.", "（{}）"))
    glue = rng.choice(("\n", "\n", " ", ""))
    items = [style.format(i + 1) + sentence(rng, bureau) for i in range(rng.randint(lo, hi))]
    return glue.join(items)


def split_cents(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.2, 1.0) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] = total - sum(shares[:-1])
    return shares


def indicator_value(rng: random.Random, level2: str, year: int) -> tuple[str, str]:
    """(name stem kind, value) for a 二级指标; the name is filled in by the caller."""
    ge = rng.choice(("≥", "≥", "≧"))
    month = rng.choice((6, 9, 10, 11, 12, 12, 12))
    day = {6: 30, 9: 30, 10: 31, 11: 30, 12: 31}[month]
    options: dict[str, list[tuple[str, str]]] = {
        "数量指标": [
            ("{act}次数", f"{rng.randint(2, 60)}次"),
            ("{act}场次", f"{ge}{rng.randint(2, 30)}场"),
            ("服务{people}人数", f"{ge}{rng.randint(50, 5000)}人"),
            ("{act}覆盖人次", f"{rng.randint(100, 20000)}人次"),
            ("{task}项目数量", f"{rng.randint(1, 12)}个"),
            ("{act}任务量", "根据下达任务目标要求确定"),
        ],
        "质量指标": [
            ("{act}完成率", rng.choice(("100%", f"{ge}95%", f"{ge}90%"))),
            ("{act}合格率", f"{ge}{rng.choice((90, 95, 98))}%"),
            ("资金使用合规率", "100%"),
            ("{people}覆盖率", f"{ge}{rng.choice((80, 85, 90))}%"),
        ],
        "时效指标": [
            ("{act}完成时间", f"{year}年{month}月{day}日前完成"),
            ("{task}实施时间", f"{year}年{month}月底前完成"),
            ("资金支付及时率", rng.choice(("100%", f"{ge}95%"))),
            ("{act}开展时间", rng.choice((f"{year}年内完成", "按季度开展", "及时"))),
        ],
        "成本指标": [
            ("{act}支出", "预算控制98%以内"),
            ("{task}成本控制", "控制在预算范围内"),
            ("人均补助标准", f"{ge}{rng.randint(100, 900)}元每人每月"),
            ("{task}支出", f"≤{rng.randint(5, 300)}万元"),
        ],
        "经济效益指标": [
            ("合理使用各项经费", "实施资金最大利用化"),
            ("办公设备通过政府采购采购", "节约机关经费"),
            ("{task}带动效益", rng.choice(("有效带动", "明显提升"))),
        ],
        "社会效益指标": [
            ("{people}政策知晓率", f"{ge}{rng.choice((80, 85, 90))}%"),
            ("保障日常办公正常运转", "有效实现日常工作正常有序运转"),
            ("{act}社会影响", rng.choice(("逐步提高", "不低于上年度水平"))),
            ("提升{act}服务水平", "效率逐步提高"),
        ],
        "生态效益指标": [
            ("政府采购产品环保节能率", "100%"),
            ("无纸化办公率", f"{ge}{rng.choice((60, 70, 80))}%"),
            ("节能减排", "有效降低能耗"),
        ],
        "可持续影响指标": [
            ("{task}", "长期"),
            ("{act}长效管理机制", rng.choice(("长期", "逐步完善"))),
            ("{people}服务水平", "不低于上年度水平"),
        ],
        "服务对象满意度指标": [
            ("{people}满意度", f"{ge}{rng.choice((85, 90, 95))}%"),
            ("投诉率", rng.choice(("0%", "≤5%", "≤1%"))),
            ("{people}满意度调查", "100%"),
        ],
    }
    return rng.choice(options[level2])
