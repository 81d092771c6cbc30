//! The scenarios of `shared/golden/scenarios.py`, line for line, each exported under its
//! scenario name so the sandbox tests can compare their traces with the Python toolkit's.
mod scenarios {
    use argorithm_toolkit::prelude::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct ArrayP {
        array: Vec<i64>,
    }

    pub fn bubblesort(algo: &mut StateSet, p: ArrayP) -> Result<()> {
        let mut arr = Array::new("arr", algo, p.array, "This is our unsorted array");
        for i in 0..arr.len() {
            algo.add_comment(&format!("Iterating the array starting from the {i}th index"));
            for j in i + 1..arr.len() {
                if arr.compare(i, j, |a, b| a > b, &format!("comparing the {i}th and {j}th element"))? {
                    arr.swap(i, j, &format!("as arr[{i}] > arr[{j}] , we swap them"))?;
                }
            }
        }
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct FibP {
        n: i64,
    }

    pub fn fibonacci(algo: &mut StateSet, p: FibP) -> Result<()> {
        let n = p.n;
        if n <= 0 {
            algo.add_comment("n has to be natural number, try again");
            return Ok(());
        }
        let mut var1 = Variable::new("first", algo, 1i64, "The first fibonacci number");
        if n == 1 {
            algo.add_comment("1 is the first fibonacci number");
            return Ok(());
        }
        let mut var2 = Variable::new("second", algo, 1i64, "The second fibonacci number");
        for _ in 2..n {
            let (temp1, temp2) = (var1.value(), var2.value());
            algo.add_comment(&format!(
                "adding {temp1} and {temp2} and we get next fibonacci number {}",
                temp1 + temp2
            ));
            var1.set(temp2);
            var2.set(temp1 + temp2);
        }
        algo.add_comment(&format!("{} is the {n}th fibonacci number", var2.value()));
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct DataP {
        data: Vec<i64>,
    }

    pub fn array_ops(algo: &mut StateSet, p: DataP) -> Result<()> {
        let mut arr = Array::new("arr", algo, p.data, "declared");
        let x = arr.get(0)?;
        arr.set(1, x + 10)?;
        arr.swap(0, arr.len() - 1, "swap ends")?;
        arr.compare(0, 1, |_, _| (), "")?;
        for _v in arr.iter() {}
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct MatrixP {
        rows: usize,
        cols: usize,
    }

    pub fn matrix_ops(algo: &mut StateSet, p: MatrixP) -> Result<()> {
        let (rows, cols) = (p.rows, p.cols);
        let mut m = Array::with_shape("grid", algo, &[rows, cols], 0i64, "zero grid");
        m.set((0, 1), 5)?;
        let _y = m.get((0, 1))?;
        m.swap((0, 0), (rows - 1, cols - 1), "")?;
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct ItemsP<T> {
        items: Vec<T>,
    }

    pub fn stack_ops(algo: &mut StateSet, p: ItemsP<i64>) -> Result<()> {
        let mut st = Stack::new("st", algo, "a stack");
        for it in p.items {
            st.push(it, &format!("push {it}"));
        }
        st.top("peek")?;
        while !st.empty() {
            st.pop("")?;
        }
        Ok(())
    }

    pub fn queue_ops(algo: &mut StateSet, p: ItemsP<String>) -> Result<()> {
        let mut q = Queue::new("q", algo, "");
        for it in p.items {
            q.push(it, "");
        }
        q.front("")?;
        q.back("")?;
        q.pop("dequeue")?;
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct TextP {
        text: String,
    }

    pub fn string_ops(algo: &mut StateSet, p: TextP) -> Result<()> {
        let mut s = ArString::new("s", algo, &p.text, "a string");
        let _c = s.get(0)?;
        s.append("xy", "append");
        for _ch in s.iter() {}
        Ok(())
    }

    pub fn vector_ops(algo: &mut StateSet, p: DataP) -> Result<()> {
        let mut v = Vector::new("v", algo, p.data, "vec");
        v.insert(99, None)?;
        v.insert(42, Some(1))?;
        v.remove_at(0)?;
        v.remove(&99)?;
        v.set(0, 7)?;
        let _ = v.get(1)?;
        v.compare(0, 1, |_, _| (), "")?;
        v.swap(0, 1, "")?;
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct ValuesP {
        values: Vec<i64>,
    }

    pub fn forwardlist_ops(algo: &mut StateSet, p: ValuesP) -> Result<()> {
        let mut fl = ForwardList::new("fl", algo, "forward list");
        for &x in &p.values {
            fl.push_front(x);
        }
        fl.insert(100, 1);
        fl.front()?;
        fl.remove(&p.values[0])?;
        fl.pop_front()?;
        Ok(())
    }

    pub fn list_ops(algo: &mut StateSet, p: ValuesP) -> Result<()> {
        let mut dl = List::new("dl", algo, "doubly linked");
        for &x in &p.values {
            dl.push_back(x);
        }
        dl.push_front(-1);
        dl.insert(50, Some(2));
        dl.front()?;
        dl.back()?;
        dl.pop_back()?;
        dl.pop_front()?;
        dl.remove(&p.values[1])?;
        Ok(())
    }

    #[derive(Deserialize)]
    pub struct KeysP {
        keys: Vec<String>,
    }

    pub fn map_ops(algo: &mut StateSet, p: KeysP) -> Result<()> {
        let keys = p.keys;
        let mut m = Map::new("m", algo, "map");
        for (i, k) in keys.iter().enumerate() {
            m.insert(k.clone(), i as i64);
        }
        m.set(keys[0].clone(), 100, "overwrite");
        let _ = m.get(&keys[1])?;
        m.get_or(&"missing".to_owned(), -1);
        m.remove(&keys[0]);
        m.remove(&"missing".to_owned());
        Ok(())
    }

    pub fn priorityqueue_ops(algo: &mut StateSet, p: ItemsP<i64>) -> Result<()> {
        let mut pq = PriorityQueue::new("pq", algo, "");
        for it in p.items {
            pq.offer(it, "");
        }
        pq.peek("")?;
        pq.poll("")?;
        pq.poll("second smallest")?;
        Ok(())
    }
}

argorithm_toolkit::export!(bubblesort => scenarios::bubblesort);
argorithm_toolkit::export!(fibonacci => scenarios::fibonacci);
argorithm_toolkit::export!(array_ops => scenarios::array_ops);
argorithm_toolkit::export!(matrix_ops => scenarios::matrix_ops);
argorithm_toolkit::export!(stack_ops => scenarios::stack_ops);
argorithm_toolkit::export!(queue_ops => scenarios::queue_ops);
argorithm_toolkit::export!(string_ops => scenarios::string_ops);
argorithm_toolkit::export!(vector_ops => scenarios::vector_ops);
argorithm_toolkit::export!(forwardlist_ops => scenarios::forwardlist_ops);
argorithm_toolkit::export!(list_ops => scenarios::list_ops);
argorithm_toolkit::export!(map_ops => scenarios::map_ops);
argorithm_toolkit::export!(priorityqueue_ops => scenarios::priorityqueue_ops);
